"""The audit log of writes (SPEC §8): every change to a patient's record, append-only."""
