"""Token authentication for clinic systems (django-rest-knox), refusing malformed tokens."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from itbrehab.audit.context import name_api_user

TOKEN_SHAPE = re.compile(rb"[0-9a-f]{1,256}")


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox tokens are lower-case hex: anything else is refused before any lookup.

    The token's therapist is named to the audit here: DRF authenticates in the view,
    after the audit middleware has seen an anonymous request.
    """

    def authenticate_credentials(self, token: bytes):  # type: ignore[no-untyped-def]
        if not TOKEN_SHAPE.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, auth_token = super().authenticate_credentials(token)
        name_api_user(user.pk)
        return user, auth_token


class TokenScheme(KnoxTokenScheme):
    """Document it in the schema as the knox token it is: ``Authorization: Token …``."""

    target_class = "itbrehab.api_auth.TokenAuthentication"
