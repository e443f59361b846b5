"""What the screens and the API share: form helpers (forms.py) and, for the API, the error
shape and paging. Plumbing only — no rule of the domain lives here (those are in the apps'
services and in yorisoi.access)."""
