# Production image (docs/deploy.md): the frontend is built here, once; a container migrates the database
# and serves pages, websocket and API on port 3000 as an unprivileged user. compose.yaml runs two replicas.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl unzip \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 krypton

WORKDIR /app
RUN chown krypton:krypton /app
ENV REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_CHECK_LATEST_VERSION=0 \
    PATH=/app/.tools/node_modules/.bin:$PATH

COPY pyproject.toml ./
COPY krypton_app/__init__.py krypton_app/__init__.py
RUN pip install --no-cache-dir -e .

COPY --chown=krypton:krypton . .
RUN pip install --no-cache-dir --no-deps -e .
USER krypton
RUN npm install --silent --no-audit --no-fund --prefix .tools bun@1.4.4

# The public URL is part of the build: browsers open the websocket at it (REFLEX_API_URL) and the pages name
# it (the API reference). Give the same KRYPTON_APP_URL to the containers. The build imports the app, which
# outside production needs no secrets but a key (a throwaway one: nothing is signed at build time).
ARG KRYPTON_APP_URL=http://localhost:3000
RUN KRYPTON_ENV=development KRYPTON_SECRET_KEY=image-build-only KRYPTON_APP_URL=$KRYPTON_APP_URL \
    REFLEX_API_URL=$KRYPTON_APP_URL reflex export --frontend-only --no-zip --env prod

ENV KRYPTON_ENV=production KRYPTON_APP_URL=$KRYPTON_APP_URL
EXPOSE 3000
# Migrate and load the catalog (replicas take turns), then serve the build made above.
CMD ["sh", "-c", "python -m krypton_app.cli bootstrap && python -m krypton_app.cli serve 3000"]
