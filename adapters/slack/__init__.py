"""The Slack adapter: slack-bolt in, the Web API out."""
