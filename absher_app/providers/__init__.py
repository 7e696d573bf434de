"""Outside parties (SMS gateway, bank, clock) behind small interfaces with dev implementations."""
