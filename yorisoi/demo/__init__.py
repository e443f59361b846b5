"""The fictional demo city (`manage.py load_demo`): every app's demo data in one command, on
top of all the apps — so no app depends on another one's demo to load its own."""
