"""The production extras of notebook 10 (see ``shared``). Loaded only when one is used."""
