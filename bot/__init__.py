"""Fandex: a Discord bot for fan communities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fandex")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"
