from ninja import Router

router = Router(tags=["本人・世帯"])
