"""Token authentication for clinic systems (django-rest-knox), refusing malformed tokens."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

TOKEN_SHAPE = re.compile(rb"[0-9a-f]{1,256}")


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox tokens are lower-case hex: anything else is refused before any lookup."""

    def authenticate_credentials(self, token: bytes):  # type: ignore[no-untyped-def]
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class TokenScheme(KnoxTokenScheme):
    """Document it in the schema as the knox token it is: ``Authorization: Token …``."""

    target_class = "itbrehab.api_auth.TokenAuthentication"
