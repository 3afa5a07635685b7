"""The worker process's own chores: its heartbeat, recovery of jobs whose worker died, and the
periodic e-mail round. What it runs lives with its subject (imports: ``exchange.jobs``;
screening: ``screening.tasks``; notices: ``campaign.notices``)."""
