package fishchat.api;

import fishchat.access.Backend;
import fishchat.http.HttpException;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.store.JoinResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group membership: {@code PUT} and {@code DELETE /v1/groups/{id}/members/{uid}} (idempotent:
 * they say whether anything changed) and {@code GET /v1/groups/{id}/members?after=&limit=}, a page
 * of members by uid with the {@code after} of the next page. Works in both --groups modes; under
 * {@code managed} it is the only way membership changes.
 */
final class GroupsEndpoint {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final Backend backend;

    GroupsEndpoint(Backend backend) {
        this.backend = backend;
    }

    HttpResponse add(HttpRequest request) throws HttpException {
        long group = PathIds.of(request, "id", "the group id");
        long uid = PathIds.of(request, "uid", "the uid");
        JoinResult result = backend.addMember(group, uid);
        if (result == JoinResult.TOO_MANY_GROUPS) {
            throw new HttpException(409, "uid " + uid + " is a member of " + backend.maxGroupsPerUser()
                    + " groups already (--max-groups-per-user)");
        }
        return Json.ok(change(group, uid, "added", result == JoinResult.JOINED));
    }

    HttpResponse remove(HttpRequest request) throws HttpException {
        long group = PathIds.of(request, "id", "the group id");
        long uid = PathIds.of(request, "uid", "the uid");
        return Json.ok(change(group, uid, "removed", backend.removeMember(group, uid)));
    }

    HttpResponse list(HttpRequest request) throws HttpException {
        long group = PathIds.of(request, "id", "the group id");
        long after = PathIds.query(request, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) PathIds.query(request, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
        // One more than asked tells whether another page follows, so the last page says null.
        List<Long> members = backend.members(group, after, limit + 1);
        boolean more = members.size() > limit;
        if (more) {
            members = members.subList(0, limit);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", group);
        answer.put("members", members);
        answer.put("next", more ? members.get(limit - 1) : null);
        return Json.ok(answer);
    }

    private static Map<String, Object> change(long group, long uid, String what, boolean changed) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("groupId", group);
        answer.put("uid", uid);
        answer.put(what, changed);
        return answer;
    }
}
