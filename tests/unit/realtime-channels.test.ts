import { Query } from 'node-appwrite';
import { describe, expect, test } from 'vitest';
import { eventNames } from '../../emulator/core/platform/event-names.ts';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import {
  Broker,
  GUEST,
  REALTIME_LIMITS,
  SubscriptionLimitError,
} from '../../emulator/realtime/broker.ts';
import { channelsOf, convertChannels } from '../../emulator/realtime/channels.ts';
import {
  compileRealtimeQueries,
  matchesQueries,
  RealtimeQueryError,
} from '../../emulator/realtime/queries.ts';

const event = (over: Partial<AppwriteEvent>): AppwriteEvent => ({
  pattern: 'users.[userId].create',
  params: {},
  payload: {},
  readRoles: [],
  timestamp: '2026-01-01T00:00:00.000+00:00',
  ...over,
});

const rowEvent = (action: string, databaseType: 'tablesdb' | 'legacy' = 'tablesdb') =>
  event({
    pattern: `databases.[databaseId].tables.[tableId].rows.[rowId].${action}`,
    params: { databaseId: 'db', tableId: 't', rowId: 'r' },
    payload: { $id: 'r', $tableId: 't', $databaseId: 'db' },
    readRoles: ['any'],
    databaseType,
  });

describe('channels of an event', () => {
  test('a row create is on 16 channels: both APIs, with and without the action', () => {
    const base = [
      'documents',
      'databases.db.collections.t.documents',
      'databases.db.collections.t.documents.r',
      'rows',
      'databases.db.tables.t.rows',
      'databases.db.tables.t.rows.r',
      'tablesdb.db.tables.t.rows',
      'tablesdb.db.tables.t.rows.r',
    ];
    expect(channelsOf(rowEvent('create'), 'p')).toEqual([
      ...base,
      ...base.map((c) => `${c}.create`),
    ]);
  });

  test('a legacy database and a legacy (document) payload give the same channels', () => {
    const legacy = rowEvent('delete', 'legacy');
    const documentPayload = event({
      pattern: 'databases.[databaseId].collections.[collectionId].documents.[documentId].delete',
      params: { databaseId: 'db', collectionId: 't', documentId: 'r' },
      payload: { $id: 'r', $collectionId: 't', $databaseId: 'db' },
      databaseType: 'legacy',
    });
    expect(channelsOf(documentPayload, 'p')).toEqual(channelsOf(legacy, 'p'));
    expect(channelsOf(legacy, 'p')).toContain('tablesdb.db.tables.t.rows.r.delete');
  });

  test('files, executions and account events', () => {
    const file = event({
      pattern: 'buckets.[bucketId].files.[fileId].update',
      params: { bucketId: 'b', fileId: 'f' },
      payload: { $id: 'f', bucketId: 'b' },
    });
    expect(channelsOf(file, 'p')).toEqual([
      'files',
      'buckets.b.files',
      'buckets.b.files.f',
      'files.update',
      'buckets.b.files.update',
      'buckets.b.files.f.update',
    ]);
    const execution = event({
      pattern: 'functions.[functionId].executions.[executionId].create',
      params: { functionId: 'fn', executionId: 'e' },
      payload: { $id: 'e', functionId: 'fn' },
      readRoles: ['user:u'],
    });
    expect(channelsOf(execution, 'p')).toEqual([
      'console',
      'projects.p',
      'executions',
      'executions.e',
      'functions.fn',
      'executions.create',
      'executions.e.create',
      'functions.fn.create',
    ]);
    // An execution nobody may read (a key started it) is on the same channels: the broker's read
    // roles keep it from every socket but the console's (tests/unit/realtime-console.test.ts).
    expect(channelsOf({ ...execution, readRoles: [] }, 'p')).toEqual(channelsOf(execution, 'p'));
    const name = event({ pattern: 'users.[userId].update.name', params: { userId: 'u' } });
    expect(channelsOf(name, 'p')).toEqual([
      'account',
      'account.u',
      'account.update',
      'account.u.update',
    ]);
    // Session events reach `account` but never `account.create`.
    const session = event({
      pattern: 'users.[userId].sessions.[sessionId].create',
      params: { userId: 'u', sessionId: 's' },
    });
    expect(channelsOf(session, 'p')).toEqual(['account', 'account.u']);
  });

  test('schema events are not on any client channel', () => {
    const column = event({
      pattern: 'databases.[databaseId].tables.[tableId].columns.[columnId].create',
      params: { databaseId: 'db', tableId: 't', columnId: 'c' },
      databaseType: 'tablesdb',
    });
    expect(channelsOf(column, 'p')).toEqual([]);
  });
});

describe('requested channels for an identity', () => {
  test.each([
    [['account'], 'u', ['account', 'account.u']],
    [['account.update'], 'u', ['account.u.update']],
    [['account.update'], '', ['account.update']],
    [['account.someone-else', 'rows'], 'u', ['rows']],
    [['rows', 'rows'], '', ['rows']],
  ])('%j as %j → %j', (requested, userId, expected) => {
    expect(convertChannels(requested, userId)).toEqual(expected);
  });
});

describe('the realtime query subset', () => {
  const payload = { title: 'a', votes: 3, tag: null, name: 'x' };
  const passes = (...queries: string[]) => matchesQueries(compileRealtimeQueries(queries), payload);

  test.each([
    [[Query.equal('title', ['a', 'b'])], true],
    [[Query.equal('title', ['b'])], false],
    [[Query.notEqual('title', 'b')], true],
    [[Query.lessThan('votes', 4)], true],
    [[Query.lessThanEqual('votes', 2)], false],
    [[Query.greaterThan('votes', 2)], true],
    [[Query.greaterThanEqual('votes', 4)], false],
    [[Query.isNull('tag')], true],
    [[Query.isNotNull('tag')], false],
    [[Query.isNull('missing')], false],
    [[Query.equal('votes', ['3'])], false],
    [[Query.or([Query.equal('title', ['z']), Query.greaterThan('votes', 1)])], true],
    [[Query.and([Query.equal('title', ['a']), Query.greaterThan('votes', 5)])], false],
    [[Query.equal('title', ['a']), Query.equal('name', ['y'])], false],
    [[Query.select(['*'])], true],
    [[Query.select(['*']), Query.equal('title', ['z'])], true],
    [[], true],
  ])('%j → %s', (queries, expected) => {
    expect(passes(...queries)).toBe(expected);
  });

  test.each([
    Query.search('title', 'a'),
    Query.contains('title', ['a']),
    Query.limit(1),
    Query.orderAsc('title'),
    Query.select(['title']),
    Query.or([Query.equal('a', [1]), Query.startsWith('a', 'x')]),
    'not json',
  ])('%s is refused', (query) => {
    expect(() => compileRealtimeQueries([query])).toThrow(RealtimeQueryError);
  });
});

describe('broker', () => {
  test('delivers by channel, role and query, naming the subscriptions that matched', () => {
    const broker = new Broker();
    broker.connect(1);
    broker.connect(2, { userId: 'u', sessionId: 's', roles: ['user:u', 'users'] });
    broker.subscribe(1, 'a', ['rows'], compileRealtimeQueries([]));
    broker.subscribe(2, 'b', ['rows'], compileRealtimeQueries([]));
    broker.subscribe(2, 'c', ['files'], compileRealtimeQueries([]));
    broker.subscribe(2, 'd', ['rows'], compileRealtimeQueries([Query.equal('$id', ['zz'])]));
    const forUsers = { ...rowEvent('create'), readRoles: ['users'] };
    expect(broker.route(forUsers, 'p').deliveries).toEqual([
      { connectionId: 2, subscriptionIds: ['b'] },
    ]);
    expect(broker.route(rowEvent('create'), 'p').deliveries).toEqual([
      { connectionId: 1, subscriptionIds: ['a'] },
      { connectionId: 2, subscriptionIds: ['b'] },
    ]);
    expect(broker.unsubscribe(2, 'b')).toBe(true);
    expect(broker.route(forUsers, 'p').deliveries).toEqual([]);
    broker.setIdentity(1, { userId: 'v', sessionId: 's', roles: ['user:v', 'users'] });
    expect(broker.route(forUsers, 'p').deliveries).toEqual([
      { connectionId: 1, subscriptionIds: ['a'] },
    ]);
    broker.disconnect(1);
    expect(broker.route(forUsers, 'p').deliveries).toEqual([]);
  });

  test('read roles are checked once per role set among the listeners, and only permitted sockets get the event', () => {
    const broker = new Broker();
    const fan = (n: number) => ({
      userId: 'fan',
      sessionId: `s${n}`,
      roles: ['user:fan', 'label:fans'],
    });
    const stranger = { userId: 'x', sessionId: 'sx', roles: ['user:x', 'users'] };
    broker.connect(1, fan(1));
    broker.connect(2, stranger);
    broker.connect(3, fan(3));
    broker.connect(4, { ...stranger });
    broker.connect(5, { ...GUEST, admin: true });
    for (const id of [1, 2, 3, 4, 5]) {
      broker.subscribe(id, `sub${id}`, ['rows'], compileRealtimeQueries([]));
    }
    const forFans = { ...rowEvent('create'), readRoles: ['label:fans'] };
    const before = broker.roleChecks;
    expect(broker.route(forFans, 'p').deliveries).toEqual([
      { connectionId: 1, subscriptionIds: ['sub1'] },
      { connectionId: 3, subscriptionIds: ['sub3'] },
      { connectionId: 5, subscriptionIds: ['sub5'] },
    ]);
    // Three role sets (the fans', the strangers', the console's) among five sockets.
    expect(broker.roleChecks - before).toBe(3);
    // A socket whose roles change is judged by its new role set.
    broker.setIdentity(2, fan(2));
    broker.setIdentity(3, stranger);
    expect(
      broker
        .route(forFans, 'p')
        .deliveries.map((d) => d.connectionId)
        .sort(),
    ).toEqual([1, 2, 5]);
  });

  test('a connection on several of the event’s channels gets each subscription once, in channel order, and the names come with the channels', () => {
    const broker = new Broker();
    broker.connect(1);
    broker.subscribe(1, 'x', ['rows'], compileRealtimeQueries([]));
    broker.subscribe(1, 'y', ['rows', 'documents'], compileRealtimeQueries([]));
    broker.subscribe(1, 'z', ['files', 'documents'], compileRealtimeQueries([]));
    const routed = broker.route(rowEvent('create'), 'p');
    // `documents` comes before `rows` among a row event's channels.
    expect(routed.deliveries).toEqual([{ connectionId: 1, subscriptionIds: ['y', 'z', 'x'] }]);
    expect(routed.names).toEqual(eventNames(rowEvent('create')));
    expect(routed.channels).toEqual(channelsOf(rowEvent('create'), 'p'));
  });

  test('signing in rebinds account channels to the new user', () => {
    const broker = new Broker();
    broker.connect(1);
    broker.subscribe(1, 'a', ['account'], compileRealtimeQueries([]));
    const mine = event({ pattern: 'users.[userId].update.name', params: { userId: 'u' } });
    const withRoles = { ...mine, readRoles: ['user:u'] };
    expect(broker.route(withRoles, 'p').deliveries).toEqual([]);
    broker.setIdentity(1, { userId: 'u', sessionId: 's', roles: ['user:u'] });
    expect(broker.route(withRoles, 'p').deliveries).toEqual([
      { connectionId: 1, subscriptionIds: ['a'] },
    ]);
  });

  test('a connection holds at most the cap of subscriptions, each with at most the cap of channels', () => {
    const { subscriptionsPerConnection: cap, channelsPerSubscription } = REALTIME_LIMITS;
    const all = compileRealtimeQueries([]);
    const broker = new Broker();
    broker.connect(1);
    for (let i = 0; i < cap; i++) broker.subscribe(1, `s${i}`, ['rows'], all);
    expect(broker.subscriptionCount(1)).toBe(cap);
    expect(() => broker.subscribe(1, 'one-more', ['rows'], all)).toThrow(SubscriptionLimitError);
    // At the cap, the SDK's update() (same id) still works; a frame with one new id does not.
    expect(broker.subscribe(1, 's0', ['files'], all)).toEqual(['files']);
    const frame = [
      { subscriptionId: 's1', channels: ['rows'] },
      { subscriptionId: 'new', channels: ['rows'] },
    ];
    expect(() => broker.checkLimits(1, frame)).toThrow(SubscriptionLimitError);
    const wide = Array.from({ length: channelsPerSubscription + 1 }, (_, i) => `c${i}`);
    expect(() => broker.subscribe(1, 's1', wide, all)).toThrow(SubscriptionLimitError);
    expect(broker.subscribe(1, 's1', wide.slice(1), all)).toHaveLength(channelsPerSubscription);
    expect(broker.subscriptionCount(1)).toBe(cap);
    expect(broker.channelCounts(1)).toMatchObject({ rows: cap - 2, files: 1, c1: 1 });
  });

  test('a connection listens on at most the cap of distinct channels; known channels stay free', () => {
    const { channelsPerConnection: cap, channelsPerSubscription: width } = REALTIME_LIMITS;
    const all = compileRealtimeQueries([]);
    const broker = new Broker();
    broker.connect(1);
    const channel = (i: number) => `databases.db.tables.t.rows.r${i}`;
    for (let i = 0; i < cap / width; i++) {
      const channels = Array.from({ length: width }, (_, c) => channel(i * width + c));
      broker.subscribe(1, `s${i}`, channels, all);
    }
    expect(Object.keys(broker.channelCounts(1))).toHaveLength(cap);
    expect(() => broker.subscribe(1, 'new', [channel(cap)], all)).toThrow(
      `A connection may listen on at most ${cap} channels.`,
    );
    // Channels it already listens on cost no listener entry, so they may be subscribed again.
    expect(broker.subscribe(1, 'again', [channel(0), channel(cap - 1)], all)).toHaveLength(2);
    const before = broker.indexSteps;
    broker.disconnect(1);
    expect(broker.indexSteps - before).toBe(cap + 2);
  });

  test('removing a subscription costs its own channels, not the rest of the connection', () => {
    const cap = REALTIME_LIMITS.subscriptionsPerConnection;
    const all = compileRealtimeQueries([]);
    const broker = new Broker();
    broker.connect(1);
    const own = (i: number) => `databases.db.tables.t.rows.r${i}`;
    for (let i = 0; i < cap; i++) broker.subscribe(1, `s${i}`, ['rows', own(i)], all);
    expect(broker.channelCounts(1).rows).toBe(cap);
    for (let i = 0; i < cap - 1; i++) {
      const before = broker.indexSteps;
      expect(broker.unsubscribe(1, `s${i}`)).toBe(true);
      // Its two channels, however many subscriptions the connection still holds.
      expect(broker.indexSteps - before).toBe(2);
      expect(broker.channelCounts(1).rows).toBe(cap - 1 - i);
      expect(broker.channelCounts(1)[own(i)]).toBeUndefined();
    }
    const last = `s${cap - 1}`;
    expect(broker.route(rowEvent('create'), 'p').deliveries).toEqual([
      { connectionId: 1, subscriptionIds: [last] },
    ]);
    broker.unsubscribe(1, last);
    expect(broker.channelCounts(1)).toEqual({});
    expect(broker.route(rowEvent('create'), 'p').deliveries).toEqual([]);
  });

  test('closing the fullest legal connection is one step per subscription and channel', () => {
    const { subscriptionsPerConnection: cap, channelsPerSubscription: width } = REALTIME_LIMITS;
    const all = compileRealtimeQueries([]);
    const channels = ['rows', ...Array.from({ length: width - 1 }, (_, i) => `files.f${i}`)];
    const broker = new Broker();
    broker.connect(1);
    broker.connect(2);
    broker.subscribe(2, 'other', ['rows'], all);
    for (let i = 0; i < cap; i++) broker.subscribe(1, `s${i}`, channels, all);
    const before = broker.indexSteps;
    broker.disconnect(1);
    expect(broker.indexSteps - before).toBeLessThanOrEqual(cap * width);
    expect(broker.route(rowEvent('create'), 'p').deliveries).toEqual([
      { connectionId: 2, subscriptionIds: ['other'] },
    ]);
  });

  test('a user’s connections are found by user id, through sign-in, sign-out and close', () => {
    const broker = new Broker();
    const as = (userId: string) => ({ userId, sessionId: 's', roles: [`user:${userId}`] });
    broker.connect(1, as('u'));
    broker.connect(2);
    broker.connect(3, as('u'));
    broker.setIdentity(2, as('u'));
    expect(broker.connectionsOf('u').sort()).toEqual([1, 2, 3]);
    broker.setIdentity(1, as('v'));
    broker.disconnect(3);
    expect(broker.connectionsOf('u')).toEqual([2]);
    expect(broker.connectionsOf('v')).toEqual([1]);
    expect(broker.connectionsOf('')).toEqual([]);
  });
});
