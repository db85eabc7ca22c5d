#!/usr/bin/env python3
"""Asks the X11 window titled ARGV[1] to close, as a window manager's close
button does (a WM_DELETE_WINDOW client message) — test support, for Xvfb,
which has no window manager. Exits 1 when no such window is found."""
import sys

from Xlib import X, display, protocol

title = sys.argv[1]
d = display.Display()
root = d.screen().root
delete = d.intern_atom("WM_DELETE_WINDOW")
protocols = d.intern_atom("WM_PROTOCOLS")


def find(window):
    try:
        if window.get_wm_name() == title:
            return window
    except Exception:
        pass
    for child in window.query_tree().children:
        found = find(child)
        if found is not None:
            return found
    return None


target = find(root)
if target is None:
    sys.exit(1)
event = protocol.event.ClientMessage(window=target, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
target.send_event(event, event_mask=X.NoEventMask)
d.flush()
