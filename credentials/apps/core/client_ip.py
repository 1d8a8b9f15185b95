"""The address a request came from, for per-address limits (the admin sign-in throttle, django-axes).

Behind a reverse proxy every request comes from the proxy's address, so throttling by REMOTE_ADDR alone would
lock everyone out together. The ``X-Forwarded-For`` header is believed only when the peer is one of the proxies
in TRUSTED_PROXY_IPS (the same list gunicorn trusts, FORWARDED_ALLOW_IPS), and then only the addresses those
proxies appended: the right-most address that is not itself a trusted proxy.
"""

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXY_IPS)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if "*" in trusted:  # every peer is a proxy: the address the last one saw
        return forwarded[-1] if forwarded else remote
    if remote not in trusted:
        return remote
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
