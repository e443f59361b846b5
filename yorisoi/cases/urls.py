"""/cases/: the case pages (urls_case.py) and the meeting, assessment and plan pages
(urls_meetings.py). Every name is declared with its access rule in access.ROUTES."""

from .urls_case import urlpatterns as case_patterns
from .urls_meetings import urlpatterns as meeting_patterns

app_name = "cases"
urlpatterns = case_patterns + meeting_patterns
