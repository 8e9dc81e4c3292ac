"""Most Significant Change rounds: stories read, chosen with reasons, and the reasons fed back."""
