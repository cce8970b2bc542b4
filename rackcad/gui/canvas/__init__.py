"""The rack elevation canvas: scene (items from the layout), view (gestures), tools, colour key."""
