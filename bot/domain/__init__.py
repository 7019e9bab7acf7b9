"""The domain: dataset model, catalog, story and cast logic, spoiler policy, countdown maths.

Nothing here imports discord: the layers above turn it into Discord messages.
"""
