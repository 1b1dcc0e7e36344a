#!/usr/bin/env bash
# Load on the list and detail pages: 20 signed-in clients for 30 s against gunicorn with the
# production settings, once per worker configuration. Needs wrk (apt-get install wrk), a
# seeded PostgreSQL database in DATABASE_URL and Redis in REDIS_URL. docs/operations.md
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_load REDIS_URL=redis://127.0.0.1:6379/13 \
#     bash benchmarks/load/pages.sh "sync 2" "gthread 2 4"
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?a seeded PostgreSQL database (manage.py seed_demo)}"
: "${REDIS_URL:?Redis, for sessions and the cache as in production}"
CLIENTS="${CLIENTS:-20}" DURATION="${DURATION:-30s}" PORT="${PORT:-8111}"
export DJANGO_SETTINGS_MODULE=sellercenter.settings.production ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-load-test-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export SECURE_SSL_REDIRECT=false
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

.venv/bin/python manage.py collectstatic --noinput -v0  # the manifest production serves from

# A signed-in administrator's session, and the paths the clients pick from at random.
.venv/bin/python manage.py shell --no-imports -c "
from django.test import Client
from accounts.models import User
from orders.models import Order
client = Client()
client.force_login(User.objects.get(email='admin@demo.test'))
print(client.cookies['sessionid'].value)
lists = ['/orders/', '/orders/?status=AWAITING_SHIPMENT', '/orders/?period=last_30d',
         '/orders/?needs_action=overdue', '/orders/?q=olivia', '/orders/?sort=-total']
ids = Order.objects.filter(shop__slug='glow-and-go-us').values_list('order_id', flat=True)
with open('$work/paths', 'w') as out:
    out.write('\n'.join(lists * 20 + [f'/orders/{i}/' for i in ids[:120]]))
" > "$work/session"
export SESSION="$(tail -1 "$work/session")" PATHS_FILE="$work/paths"

for config in "$@"; do
  read -r class workers threads <<<"$config"
  .venv/bin/gunicorn sellercenter.wsgi:application --bind "127.0.0.1:$PORT" \
    --worker-class "$class" --workers "$workers" --threads "${threads:-1}" \
    --log-level warning --pid "$work/pid" &
  for _ in $(seq 50); do  # any answer will do: /healthz is 503 without a Celery worker
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2
  done
  signed_in="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sessionid=$SESSION" \
    "http://127.0.0.1:$PORT/orders/")"
  [ "$signed_in" = 200 ] || { echo "the order list answered $signed_in, not 200" >&2; exit 1; }
  wrk --threads 1 --connections 1 --duration 5s --script benchmarks/load/pages.lua \
    "http://127.0.0.1:$PORT" >/dev/null  # warm every worker's caches first
  printf '%-22s ' "$class ×$workers${threads:+ ×$threads threads}:"
  wrk --threads "$(( CLIENTS < 2 ? 1 : 2 ))" --connections "$CLIENTS" --duration "$DURATION" --timeout 10s \
    --latency --script benchmarks/load/pages.lua "http://127.0.0.1:$PORT" | grep '^RESULT'
  kill "$(cat "$work/pid")"; wait 2>/dev/null || true
done
