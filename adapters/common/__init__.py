"""What every platform adapter shares: settings, pacing, start-up token checks, the hand-over."""
