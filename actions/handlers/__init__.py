"""One module per action; each exposes `ACTION` (an actions.action.Action) and is listed in registry.py."""
