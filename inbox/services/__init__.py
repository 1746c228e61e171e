"""The only non-widget Qt layer: runs the engine and store work off the GUI thread, as signals."""
