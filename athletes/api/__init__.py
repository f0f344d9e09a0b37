"""REST API for athletes and what they record (SPEC §3): one module per resource.

Serializers shape and validate input; services do the writes; every queryset goes
through the clinic-scoped selectors, so another clinic's object answers 404. The routes
are in ``itbrehab.api``.
"""
