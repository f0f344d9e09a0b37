"""Test-only helpers that real subprocesses import (email backends set through EMAIL_BACKEND)."""
