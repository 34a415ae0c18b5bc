"""Reading: a folder of ADR files (any of the formats people write) into records, planned before anything is written."""
