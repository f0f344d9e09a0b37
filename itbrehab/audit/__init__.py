"""The audit log (SPEC §8): changes to and reads of patients' records, logins; append-only."""
