"""coursemate: a terminal study companion for training courses."""

__version__ = "0.1.0"
