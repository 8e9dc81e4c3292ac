"""The Goldilocks pulse: a one-tap check on pace, power, clarity and shape."""
