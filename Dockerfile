FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY tec ./tec
COPY graph ./graph
COPY schema ./schema
COPY resolvers ./resolvers
COPY importers ./importers
COPY synthetic ./synthetic
COPY bench ./bench
COPY data ./data
RUN pip install --no-cache-dir '.[redis]'
EXPOSE 8000
# `tec up` with NEO4J_URI set: migrations and first-run data, then the service.
CMD ["tec", "up"]
