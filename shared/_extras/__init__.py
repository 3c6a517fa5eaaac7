"""The production extras of notebook 09 (see ``shared``). Loaded only when one is used."""
