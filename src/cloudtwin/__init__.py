"""cloudtwin: AWS and Azure building blocks on one machine, behind their real wire protocols."""

__version__ = "0.1.0"
