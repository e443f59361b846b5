from django.http import HttpResponse
from django.shortcuts import render

from yorisoi import access


def home(request):
    return render(
        request,
        "front/home.html",
        {"can_read_people": access.can_create_people(request.user)},
    )


def health(request):
    return HttpResponse("ok", content_type="text/plain")
