"""Services: work the bot does on its own (release announcements, scheduled events)."""
