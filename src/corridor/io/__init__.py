"""Reading and writing datasets and results."""
