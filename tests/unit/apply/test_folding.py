"""Which memberships of new principals are folded into their imports."""

from __future__ import annotations

from ldap2ts.apply.folding import fold_memberships
from ldap2ts.model import Action, Change


def create_group(name: str) -> Change:
    return Change(Action.CREATE_GROUP, name, fields={"display_name": name.title()})


def create_user(name: str) -> Change:
    return Change(Action.CREATE_USER, name, fields={"display_name": name.title()})


def add(group: str, users: tuple[str, ...] = (), sub_groups: tuple[str, ...] = ()) -> Change:
    return Change(Action.ADD_MEMBERS, group, users=users, sub_groups=sub_groups)


def test_new_user_joins_through_user_import() -> None:
    plan = fold_memberships([create_user("new-alice"), add("old-sales", users=("new-alice",))])

    assert plan.users["new-alice"].groups == ["old-sales"]
    assert plan.residual == []
    assert len(plan.fully_folded) == 1


def test_existing_user_joins_new_group_through_group_import() -> None:
    plan = fold_memberships([create_group("new-sales"), add("new-sales", users=("old-bob",))])

    assert plan.groups["new-sales"].users == ["old-bob"]
    assert plan.residual == []


def test_existing_member_of_existing_group_stays_a_change() -> None:
    change = add("old-sales", users=("old-bob", "new-alice"), sub_groups=("old-emea",))

    plan = fold_memberships([create_user("new-alice"), change])

    assert plan.residual == [add("old-sales", users=("old-bob",), sub_groups=("old-emea",))]
    assert plan.fully_folded == []


def test_nested_new_groups_get_waves_children_first() -> None:
    plan = fold_memberships(
        [
            create_group("top"),
            create_group("middle"),
            create_group("leaf"),
            add("top", sub_groups=("middle",)),
            add("middle", sub_groups=("leaf",)),
        ]
    )

    waves = [[group.change.name for group in wave] for wave in plan.waves()]
    assert waves == [["leaf"], ["middle"], ["top"]]
    assert plan.groups["top"].sub_groups == ["middle"]
    assert plan.groups["middle"].sub_groups == ["leaf"]
    assert plan.residual == []


def test_nesting_cycle_leaves_one_edge_as_change() -> None:
    plan = fold_memberships(
        [
            create_group("a"),
            create_group("b"),
            add("a", sub_groups=("b",)),
            add("b", sub_groups=("a",)),
        ]
    )

    folded = plan.groups["a"].sub_groups + plan.groups["b"].sub_groups
    assert len(folded) == 1
    assert len(plan.residual) == 1
    assert plan.residual[0].sub_groups in (("a",), ("b",))


def test_long_nesting_chain_has_no_recursion_limit() -> None:
    names = [f"level-{number:04d}" for number in range(3000)]
    changes = [create_group(name) for name in names]
    changes += [
        add(parent, sub_groups=(child,)) for parent, child in zip(names, names[1:], strict=False)
    ]

    plan = fold_memberships(changes)

    assert plan.groups["level-0000"].wave == 2999
    assert plan.groups["level-2999"].wave == 0


def test_names_match_ignoring_case() -> None:
    plan = fold_memberships([create_user("Alice"), add("old-sales", users=("ALICE",))])

    assert plan.users["alice"].groups == ["old-sales"]


def test_member_limit_leaves_rest_as_change() -> None:
    users = ("old-a", "old-b", "old-c", "old-d", "old-e")

    plan = fold_memberships(
        [create_group("big"), add("big", users=users, sub_groups=("old-team",))], member_limit=2
    )

    assert plan.groups["big"].users == ["old-a", "old-b"]
    assert plan.groups["big"].sub_groups == []
    assert plan.residual == [
        add("big", users=("old-c", "old-d", "old-e"), sub_groups=("old-team",))
    ]


def test_member_limit_spares_new_users() -> None:
    plan = fold_memberships(
        [create_group("big"), create_user("new-a"), add("big", users=("new-a", "old-b"))],
        member_limit=1,
    )

    assert plan.users["new-a"].groups == ["big"]
    assert plan.groups["big"].users == ["old-b"]
    assert plan.residual == []
