"""The core layer: what every process needs, a Worker process included (see ``shared``)."""
