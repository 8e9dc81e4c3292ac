"""Configuration: the partnership's TOML file, its checks, and settings from the environment."""
