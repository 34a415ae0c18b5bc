"""Tables of work items too many to hold in memory (see `kbridge.storage.scratch`), for the layers
above core, which reach storage through it."""

from kbridge.storage.scratch import ScratchTable

__all__ = ["ScratchTable"]
