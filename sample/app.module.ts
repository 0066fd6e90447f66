import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { asyncLocalStorageContext, QueueJobModule } from '../lib/index.js';
import { requestContext, RequestContextMiddleware } from './request-context.js';
import { SampleAdminGuard } from './admin.guard.js';
import { JobsController } from './jobs.controller.js';
import { Order } from './order.entity.js';
import { OrderService } from './order.service.js';
import { OrdersController } from './orders.controller.js';

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes(OrdersController, JobsController);
  }

  /** The shop on the PostgreSQL database at `url`. */
  static forDatabase(url: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // `synchronize` creates the shop's own table; the queue_job tables come from the module's migrations.
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: [Order], synchronize: true }),
        TypeOrmModule.forFeature([Order]),
        // QUEUE_JOB_CHANNELS in the environment wins over this. The Job Queue admin is at /queue-job,
        // behind HTTP basic auth (sample default: admin / admin, see SampleAdminGuard).
        // `context`: the user of the request (x-user header) travels with the jobs it enqueues, and with
        // the jobs those enqueue, to whichever instance runs them, at every retry.
        QueueJobModule.forRoot({
          channels: 'root:4,root.sale:2,root.mail:1',
          context: asyncLocalStorageContext(requestContext),
          admin: { path: '/queue-job', guard: SampleAdminGuard },
        }),
      ],
      controllers: [OrdersController, JobsController],
      providers: [OrderService],
    };
  }
}
