"""Readers of raw data: each file format (``detect`` picks one), and the network: the live
boards (``live``) and the Hub (``hub``), both through the one HTTP layer (``http``)."""
