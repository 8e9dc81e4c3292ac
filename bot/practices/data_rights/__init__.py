"""People's data rights: mydata, forget, and the erasure log."""
