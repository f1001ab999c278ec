"""hegui (合规): assess data processing against China's data laws."""

__version__ = "0.1.0"
