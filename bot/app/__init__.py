"""The Discord app: the bot class, the command tree and its error handling, transformers, replies."""
