# Production image: one process serves pages, websocket and API on port 3000 (`reflex run --env prod`).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl unzip \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_CHECK_LATEST_VERSION=0 \
    PATH=/app/.tools/node_modules/.bin:$PATH \
    KRYPTON_ENV=production

COPY pyproject.toml ./
COPY krypton_app/__init__.py krypton_app/__init__.py
RUN pip install --no-cache-dir -e . && npm install --prefix .tools bun@1.4.4

COPY . .
RUN pip install --no-cache-dir -e .

EXPOSE 3000
# Migrate and load the catalog, then serve; the same commands `make run` uses.
CMD ["sh", "-c", "python -m krypton_app.cli bootstrap && reflex run --env prod"]
