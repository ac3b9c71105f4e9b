"""The team around the file: who sees which rows (:mod:`.scope`), split and merge."""
