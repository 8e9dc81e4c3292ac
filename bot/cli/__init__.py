"""The `huddlebot` command and its sub-commands."""
