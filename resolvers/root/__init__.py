"""The GraphQL root types (Query, Mutation, Subscription), one module per part of the domain, and the
schema built from them (`resolvers.root.schema.build_schema`)."""
