"""Stories of change, shared only as far as the teller chose."""
