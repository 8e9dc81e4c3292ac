"""System Maturity Model rounds: private scores, an anonymous reveal, an agreed score."""
