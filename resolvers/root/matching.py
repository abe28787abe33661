"""The matching root fields: experienced actors, sponsorship candidates and workflow, task forces.

`resolvers.root.schema.Query` and `Mutation` inherit them (the same arrangement as `resolvers.root.domain`),
so the shared root module only names these mixins.
"""

from __future__ import annotations

import strawberry

from resolvers import matching as matching_resolvers
from resolvers import sponsorships as sponsorship_resolvers
from resolvers import task_forces as task_force_resolvers
from schema.matching import ExperiencedActor, Ranking, SponsorCandidate
from schema.sponsorship_input import ProposeSponsorshipResult, SponsorshipStepResult
from schema.task_force_input import CreateTaskForceResult, TaskForceMemberResult, TaskForceProposal


@strawberry.type
class MatchingQuery:
    experienced_actors: Ranking[ExperiencedActor] = strawberry.field(
        resolver=matching_resolvers.experienced_actors,
        description=(
            "Who has already dealt with this type of conflict near here: actors involved in a case of the type "
            "(or a subtype; with includeRelated, a sibling type, weighted lower) whose place or base lies within "
            "the radius, ranked by an explained score (docs/matching.md). One database round trip."
        ),
    )
    sponsorship_candidates: Ranking[SponsorCandidate] = strawberry.field(
        resolver=sponsorship_resolvers.sponsorship_candidates,
        description=(
            "Mécénat d'expérience: experienced actors near the beneficiary who are open to sponsorship and "
            "under capacity, preferring peers of a comparable size and actors linked to it by a short "
            "cooperation path (returned). One database round trip."
        ),
    )
    task_force_proposal: TaskForceProposal = strawberry.field(
        resolver=task_force_resolvers.task_force_proposal,
        description=(
            "A team for a conflict covering mediation, technical and legal expertise, a peer authority and civil "
            "society, within travelling distance, one member per organisation or network, each with its reason; "
            "roles no one can fill are listed. One database round trip."
        ),
    )


@strawberry.type
class MatchingMutation:
    propose_sponsorship: ProposeSponsorshipResult = strawberry.mutation(
        resolver=sponsorship_resolvers.propose_sponsorship,
        description="Propose a sponsorship (editor of the sponsor or of the beneficiary, or admin).",
    )
    respond_to_sponsorship: SponsorshipStepResult = strawberry.mutation(
        resolver=sponsorship_resolvers.respond_to_sponsorship,
        description="Accept (sponsor under capacity) or decline with a reason: the side that was asked, or admin.",
    )
    start_sponsorship: SponsorshipStepResult = strawberry.mutation(
        resolver=sponsorship_resolvers.start_sponsorship, description="Start an accepted sponsorship (either side)."
    )
    complete_sponsorship: SponsorshipStepResult = strawberry.mutation(
        resolver=sponsorship_resolvers.complete_sponsorship,
        description="Close an active sponsorship with outcome and feedback; it becomes experience for the sponsor.",
    )
    create_task_force: CreateTaskForceResult = strawberry.mutation(
        resolver=task_force_resolvers.create_task_force,
        description="Create a task force for a conflict from `members` or `fromProposal` (editor or admin).",
    )
    add_task_force_member: TaskForceMemberResult = strawberry.mutation(
        resolver=task_force_resolvers.add_task_force_member,
        description="Add a member, one per organisation or network (the task force's creator or an admin).",
    )
    remove_task_force_member: TaskForceMemberResult = strawberry.mutation(
        resolver=task_force_resolvers.remove_task_force_member,
        description="Remove a member (the task force's creator or an admin).",
    )
