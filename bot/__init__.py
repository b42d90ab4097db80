"""peerbot: structure for online peer-support communities (check-ins, milestones, crisis help, partners)."""

__version__ = "0.1.0"
