// Command numbers of DESIGN §2 and the protobuf message type of each request and reply
// (package `external` of proto/). Shared by the page (chat.js) and the tests (test/lib.mjs).
export const CMD = {
  LOGIN: 20001, PING: 20002, P2P: 20003, ACK: 20004, GROUP: 20005, SYNC: 20006, NOTIFY: 20007,
  LOGOUT: 20008, JOIN: 20009, LEAVE: 20010, KICK: 20011, PRESENCE: 20012, PRESENCE_CHANGE: 20013,
  MESSAGE_PUSH: 20014, ERROR: 90001,
};
export const REQ_TYPE = {
  [CMD.LOGIN]: 'ReqLogin', [CMD.PING]: 'ReqPing', [CMD.P2P]: 'ReqSendP2PMsg', [CMD.GROUP]: 'ReqSendGroupMsg',
  [CMD.SYNC]: 'ReqSyncMsg', [CMD.LOGOUT]: 'ReqLogout', [CMD.JOIN]: 'ReqJoinGroup', [CMD.LEAVE]: 'ReqLeaveGroup',
  [CMD.PRESENCE]: 'ReqPresence',
};
export const RES_TYPE = {
  [CMD.LOGIN]: 'ResLogin', [CMD.PING]: 'ResPing', [CMD.P2P]: 'ResSendP2PMsg', [CMD.GROUP]: 'ResSendGroupMsg',
  [CMD.SYNC]: 'ResSyncMsg', [CMD.NOTIFY]: 'ResNotify', [CMD.LOGOUT]: 'ResLogout', [CMD.JOIN]: 'ResJoinGroup',
  [CMD.LEAVE]: 'ResLeaveGroup', [CMD.KICK]: 'ResKick', [CMD.PRESENCE]: 'ResPresence',
  [CMD.PRESENCE_CHANGE]: 'ResPresenceChange', [CMD.MESSAGE_PUSH]: 'ResMessagePush', [CMD.ERROR]: 'Error',
};
