package fishchat.api;

import fishchat.access.Backend;
import fishchat.http.HttpException;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.store.Presence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's tokens and presence: {@code POST /v1/users/{uid}/revoke},
 * {@code GET /v1/users/{uid}/presence} and {@code POST /v1/presence {uids}}. There is no user
 * directory: every positive uid exists, and one never seen is offline with {@code since: null}.
 */
final class UsersEndpoint {
    static final int MAX_PRESENCE_UIDS = 1000;
    private static final Set<String> PRESENCE_FIELDS = Set.of("uids");

    private final Backend backend;

    UsersEndpoint(Backend backend) {
        this.backend = backend;
    }

    /** Every token of the user issued before now is refused from now on, and its sessions end, on every node. */
    HttpResponse revoke(HttpRequest request) throws HttpException {
        long uid = PathIds.of(request, "uid", "the uid");
        if (request.body().length > 0) {
            throw new HttpException(400, "this call takes no body");
        }
        long revokedAt = backend.revoke(uid);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("uid", uid);
        answer.put("revokedAt", revokedAt);
        return Json.ok(answer);
    }

    HttpResponse presence(HttpRequest request) throws HttpException {
        long uid = PathIds.of(request, "uid", "the uid");
        return Json.ok(json(backend.presence(List.of(uid)).get(0)));
    }

    HttpResponse presenceOfMany(HttpRequest request) throws HttpException {
        List<Long> uids = Json.object(request.body()).only(PRESENCE_FIELDS).ids("uids", 1, MAX_PRESENCE_UIDS);
        List<Presence> found = backend.presence(uids.stream().distinct().toList());
        return Json.ok(Map.of("users", found.stream().map(UsersEndpoint::json).toList()));
    }

    static Map<String, Object> json(Presence p) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("uid", p.uid());
        user.put("online", p.online());
        user.put("devices", p.devices());
        user.put("since", p.sinceMillis() == 0 ? null : p.sinceMillis());
        return user;
    }
}
