"""Time: the scheduler, cron timing, prompt runs and reminders, and the jobs that post digests."""
